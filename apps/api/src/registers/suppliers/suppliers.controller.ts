import { Body, Controller, Get, Header, Param, Post, Put, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiProduces, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { Area, type AuthedRequest } from '../../auth/api-key.guard';
import { SupplierDto, UpdateSupplierDto } from './dto/supplier.dto';
import { SuppliersService } from './suppliers.service';

@ApiTags('registers')
@ApiBearerAuth()
@ApiResponse({ status: 401, description: 'Missing or invalid API key (problem+json)' })
@Area('registers')
@Controller('suppliers')
export class SuppliersController {
  constructor(private readonly suppliers: SuppliersService) {}

  @Post()
  @ApiOperation({ summary: 'Register a supplier or ICT third-party provider' })
  @ApiResponse({ status: 409, description: 'The id is taken' })
  async create(@Body() dto: SupplierDto, @Req() req: AuthedRequest, @Res({ passthrough: true }) res: Response) {
    await this.suppliers.create(dto, req.caller.name);
    res.status(201).location(`/suppliers/${dto.id}`);
    return this.suppliers.get(dto.id);
  }

  @Put(':id')
  @ApiOperation({ summary: 'Change a supplier (e.g. after its yearly review)' })
  async update(@Param('id') id: string, @Body() dto: UpdateSupplierDto, @Req() req: AuthedRequest) {
    await this.suppliers.update(id, dto, req.caller.name);
    return this.suppliers.get(id);
  }

  @Get('register-of-information.csv')
  @Header('content-type', 'text/csv; charset=utf-8')
  @ApiProduces('text/csv')
  @ApiOperation({ summary: 'The DORA Art. 28(3) register of information: the ICT third-party providers as CSV' })
  registerOfInformation() {
    return this.suppliers.registerOfInformation();
  }

  @Get()
  @ApiOperation({ summary: 'Suppliers, most critical first, with overdue reviews and expired certificates flagged' })
  async list() {
    return { items: await this.suppliers.list() };
  }

  @Get(':id')
  get(@Param('id') id: string) {
    return this.suppliers.get(id);
  }
}
